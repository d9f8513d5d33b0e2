package dev.supervisor.front;

import java.net.InetSocketAddress;

/** One instance behind a front: {@code key} identifies it (e.g. "hello:0:4242"), {@code address} its private port. */
public record Backend(String key, InetSocketAddress address) {
    @Override
    public String toString() {
        return key + "@" + address.getPort();
    }
}
