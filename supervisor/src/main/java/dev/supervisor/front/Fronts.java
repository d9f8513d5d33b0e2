package dev.supervisor.front;

import dev.supervisor.config.FrontKind;

import java.net.InetSocketAddress;

/** Makes the front an app's configuration asks for. */
public final class Fronts {
    private Fronts() {
    }

    /** @throws IllegalArgumentException for {@link FrontKind#NONE}: such an app binds its port itself */
    public static Front create(FrontKind kind, String appName, InetSocketAddress bind, FrontEventLoops loops) {
        return create(kind, appName, bind, loops, FrontSettings.defaults());
    }

    public static Front create(FrontKind kind, String appName, InetSocketAddress bind, FrontEventLoops loops,
                               FrontSettings settings) {
        return switch (kind) {
            case HTTP -> new HttpFront(appName, bind, loops, settings);
            case TCP -> new TcpFront(appName, bind, loops, settings);
            case NONE -> throw new IllegalArgumentException("app " + appName + " has no front (front: none)");
        };
    }
}
