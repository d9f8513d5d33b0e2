import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The example HTTP app: answers every request with its instance and pid. The build compiles it into
 * {@code examples/target/hello.jar} (run as {@code java -jar}, its port opens ~0.1 s after launch; the source
 * launcher, {@code java Hello.java}, works too but compiles at every start); it listens on PORT (a private port
 * behind the supervisor's front).
 */
public class Hello {
    public static void main(String[] args) throws Exception {
        // Without this the JDK server waits on delayed ACKs with keep-alive clients (~725 req/s).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8000"));
        String instance = System.getenv().getOrDefault("SUPERVISOR_INSTANCE", "0");
        String greeting = System.getenv().getOrDefault("GREETING", "hello");
        byte[] body = (greeting + " from instance " + instance + ", pid " + ProcessHandle.current().pid() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        long boundAt = System.currentTimeMillis(); // the port accepts connections from here on
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        server.start();
        // The bind time, for bench/ to measure how soon the supervisor notices the port (readiness detection).
        System.out.println(greeting + " app listening on 127.0.0.1:" + port + " (instance " + instance
                + ") since epoch-ms " + boundAt);
    }
}
