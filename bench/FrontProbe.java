import dev.supervisor.front.Backend;
import dev.supervisor.front.FrontEventLoops;
import dev.supervisor.front.HttpFront;

import java.net.InetSocketAddress;

/**
 * The HTTP front alone, outside the daemon, for A/B runs of the front's code or JVM flags on the same backends
 * (bench/front-ab.py). Usage: java -cp supervisor.jar bench/FrontProbe.java PORT BACKEND_PORT...
 */
public final class FrontProbe {
    public static void main(String[] args) throws Exception {
        FrontEventLoops loops = Integer.getInteger("probe.threads") == null ? new FrontEventLoops()
                : new FrontEventLoops(Integer.getInteger("probe.threads"));
        HttpFront front = new HttpFront("probe", new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), loops);
        front.start();
        for (int i = 1; i < args.length; i++) {
            int port = Integer.parseInt(args[i]);
            front.addBackend(new Backend("probe:" + i + ":" + port, new InetSocketAddress("127.0.0.1", port)));
        }
        System.out.println("front " + loops.transport() + " on " + front.address());
        Thread.currentThread().join();
    }
}
