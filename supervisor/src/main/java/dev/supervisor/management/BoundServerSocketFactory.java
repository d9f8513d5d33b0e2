package dev.supervisor.management;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMIServerSocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * RMI server sockets bound to one address (the JDK's default binds every interface), optionally speaking TLS.
 * The JMX connector uses one instance for both the RMI registry and the exported server objects, so RMI
 * shares a single listening socket between them: one known port.
 */
final class BoundServerSocketFactory implements RMIServerSocketFactory {
    private final InetAddress bindAddress;
    private final SSLSocketFactory tls;
    private volatile InetSocketAddress boundAddress;

    /**
     * @param bindAddress the address to listen on, null for every interface
     * @param tls         wraps accepted connections in TLS (server side) when not null
     */
    BoundServerSocketFactory(InetAddress bindAddress, SSLSocketFactory tls) {
        this.bindAddress = bindAddress;
        this.tls = tls;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        ServerSocket socket = tls == null ? new ServerSocket() : new TlsServerSocket(tls);
        try {
            socket.bind(new InetSocketAddress(bindAddress, port), 50);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        boundAddress = (InetSocketAddress) socket.getLocalSocketAddress();
        return socket;
    }

    /** Where the last socket made listens, null before the first. */
    InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** Accepts plain TCP connections and hands them on as server-side TLS sockets. */
    private static final class TlsServerSocket extends ServerSocket {
        private final SSLSocketFactory tls;

        TlsServerSocket(SSLSocketFactory tls) throws IOException {
            this.tls = tls;
        }

        @Override
        public Socket accept() throws IOException {
            Socket plain = super.accept();
            SSLSocket secure = (SSLSocket) tls.createSocket(plain, plain.getInetAddress().getHostAddress(),
                    plain.getPort(), true);
            secure.setUseClientMode(false);
            return secure;
        }
    }
}
