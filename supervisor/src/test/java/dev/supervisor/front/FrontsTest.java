package dev.supervisor.front;

import dev.supervisor.config.FrontKind;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrontsTest {
    private static final InetSocketAddress BIND = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void createsTheFrontOfEachKind() {
        try (FrontEventLoops loops = new FrontEventLoops(1)) {
            assertThat(Fronts.create(FrontKind.HTTP, "web", BIND, loops)).isInstanceOf(HttpFront.class);
            assertThat(Fronts.create(FrontKind.TCP, "db", BIND, loops)).isInstanceOf(TcpFront.class);
            assertThatThrownBy(() -> Fronts.create(FrontKind.NONE, "raw", BIND, loops))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("raw");
        }
    }
}
