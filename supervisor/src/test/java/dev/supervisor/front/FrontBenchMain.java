package dev.supervisor.front;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * Manual speed check, not a test: {@code backend <port>} runs a nodelay JDK HttpServer answering "hello";
 * {@code front <port> <backendPort>...} runs an HttpFront in front of it. Compare with wrk against each.
 */
public final class FrontBenchMain {
    private FrontBenchMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        switch (args[0]) {
            case "backend" -> {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])), 1024);
                byte[] body = "hello\n".getBytes(StandardCharsets.UTF_8);
                server.createContext("/", exchange -> {
                    exchange.getRequestBody().readAllBytes();
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                server.start();
                System.out.println("backend on " + server.getAddress());
            }
            case "front" -> {
                FrontEventLoops loops = new FrontEventLoops();
                HttpFront front = new HttpFront("bench", new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])),
                        loops);
                front.start();
                for (int i = 2; i < args.length; i++) {
                    front.addBackend(new Backend("bench:" + i,
                            new InetSocketAddress("127.0.0.1", Integer.parseInt(args[i]))));
                }
                System.out.println("front on " + front.address());
                new CountDownLatch(1).await();
            }
            default -> throw new IllegalArgumentException("backend <port> | front <port> <backendPort>...");
        }
    }
}
