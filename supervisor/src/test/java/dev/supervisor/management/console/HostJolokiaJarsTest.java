package dev.supervisor.management.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostJolokiaJarsTest {
    @Test
    void findsTheDaemonsJolokiaJars() {
        assertThat(HostJolokiaJars.locations(getClass().getClassLoader()))
                .anyMatch(location -> location.startsWith("file:") && location.endsWith("jolokia-agent-jvm-2.6.0.jar"))
                .anyMatch(location -> location.endsWith("jolokia-server-core-2.6.0.jar"));
    }

    @Test
    void turnsPackageUrlsIntoLocations() {
        assertThat(HostJolokiaJars.locationOf("jar:file:/lib/jolokia-json.jar!/org/jolokia/"))
                .isEqualTo("file:/lib/jolokia-json.jar");
        assertThat(HostJolokiaJars.locationOf("file:/build/classes/org/jolokia/")).isEqualTo("file:/build/classes/");
        assertThat(HostJolokiaJars.locationOf("jrt:/java.base/org/jolokia/")).isNull();
    }
}
