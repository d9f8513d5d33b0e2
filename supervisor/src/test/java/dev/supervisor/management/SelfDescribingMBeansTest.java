package dev.supervisor.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.mbeans.NotificationTypes;
import dev.supervisor.mbeans.ObjectNames;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.Http;
import dev.supervisor.testing.TestDaemon;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServerConnection;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The MBeans describe themselves (remote JMX getMBeanInfo and Jolokia list), user errors reach remote clients as
 * IllegalArgumentException, Processes is tabular, Process names survive a reload, and apps keep their events.
 */
class SelfDescribingMBeansTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDaemon daemon;
    private static JMXConnector jmx;
    private static MBeanServerConnection remote;
    private static int frontPort;

    @BeforeAll
    static void start() throws Exception {
        daemon = TestDaemon.start(TestDaemon.Options.defaults().withJmx());
        String url = daemon.godBean().getJmxStatus().replaceFirst("^up at ", "");
        jmx = JMXConnectorFactory.connect(new JMXServiceURL(url),
                Map.of(JMXConnector.CREDENTIALS, new String[]{daemon.user(), daemon.password()}));
        remote = jmx.getMBeanServerConnection();
        frontPort = Fixtures.freePort();
        Map<String, Object> web = Fixtures.app("web", "listen");
        web.put("port", frontPort);
        web.put("listen_timeout", "20s");
        daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("apps"), web).toString());
    }

    @AfterAll
    static void stop() throws Exception {
        jmx.close();
        daemon.close();
    }

    @Test
    void everyMBeanAttributeOperationAndParameterIsDescribedOverRemoteJmx() throws Exception {
        for (ObjectName name : List.of(ObjectNames.god(), ObjectNames.app("web"), ObjectNames.process("web", 0))) {
            MBeanInfo info = remote.getMBeanInfo(name);
            assertThat(info.getDescription()).as(name + " description").doesNotContain("Information on the management interface").hasSizeGreaterThan(20);
            for (MBeanAttributeInfo a : info.getAttributes()) {
                assertThat(a.getDescription()).as(name + " attribute " + a.getName()).isNotEqualTo(a.getName()).hasSizeGreaterThan(5);
            }
            for (MBeanOperationInfo op : info.getOperations()) {
                assertThat(op.getDescription()).as(name + " operation " + op.getName()).isNotEqualTo(op.getName()).hasSizeGreaterThan(5);
                for (MBeanParameterInfo p : op.getSignature()) {
                    assertThat(p.getName()).as(name + " " + op.getName() + " parameter").doesNotMatch("p\\d+");
                    assertThat(p.getDescription()).as(name + " " + op.getName() + " " + p.getName()).isNotEqualTo(p.getName());
                }
            }
            List<String> types = Arrays.stream(info.getNotifications()).flatMap(n -> Arrays.stream(n.getNotifTypes())).toList();
            assertThat(types).as(name + " notifications").contains(NotificationTypes.PROCESS_STATUS);
        }
        MBeanInfo god = remote.getMBeanInfo(ObjectNames.god());
        assertThat(Arrays.stream(god.getNotifications()).flatMap(n -> Arrays.stream(n.getNotifTypes())).toList())
                .contains(NotificationTypes.RELOAD_STARTED, NotificationTypes.RELOAD_STEP, NotificationTypes.RELOAD_DONE,
                        NotificationTypes.RELOAD_FAILED, NotificationTypes.RESTART_OVERLIMIT);
        MBeanOperationInfo startWith = Arrays.stream(god.getOperations()).filter(o -> o.getName().equals("startWith")).findFirst().orElseThrow();
        assertThat(Arrays.stream(startWith.getSignature()).map(MBeanParameterInfo::getName))
                .containsExactly("appsFileOrScript", "name", "instances", "namespace", "env");
        MBeanOperationInfo signal = Arrays.stream(god.getOperations()).filter(o -> o.getName().equals("sendSignal")).findFirst().orElseThrow();
        assertThat(Arrays.stream(signal.getSignature()).map(MBeanParameterInfo::getName)).containsExactly("signal", "target");
        assertThat(Arrays.stream(god.getOperations()).filter(o -> o.getName().equals("describe")).findFirst().orElseThrow().getImpact())
                .isEqualTo(MBeanOperationInfo.INFO);
        MBeanNotificationInfo[] none = remote.getMBeanInfo(new ObjectName("java.lang:type=Runtime")).getNotifications();
        assertThat(none).isEmpty(); // the check above is ours, not the JDK's default
    }

    @Test
    void jolokiaListShowsTheSameDescriptionsParameterNamesAndNotifications() throws Exception {
        JsonNode god = JSON.readTree(Http.post(daemon.jolokiaUrl(), "{\"type\":\"list\",\"path\":\"supervisor/type=God\"}",
                daemon.user(), daemon.password()).body()).path("value");
        assertThat(god.path("desc").asText()).contains("supervisor daemon");
        assertThat(god.path("attr").path("Healthy").path("desc").asText()).contains("every instance that should run");
        JsonNode args = god.path("op").path("sendSignal").path("args");
        assertThat(args.get(0).path("name").asText()).isEqualTo("signal");
        assertThat(args.get(0).path("desc").asText()).contains("SIGUSR2");
        assertThat(args.get(1).path("name").asText()).isEqualTo("target");
        assertThat(god.path("notif").toString()).contains(NotificationTypes.RELOAD_DONE);
        JsonNode app = JSON.readTree(Http.post(daemon.jolokiaUrl(), "{\"type\":\"list\",\"path\":\"supervisor/name=web,type=App\"}",
                daemon.user(), daemon.password()).body()).path("value");
        assertThat(app.path("op").path("scale").path("args").get(0).path("name").asText()).isEqualTo("instances");
        assertThat(app.path("notif").toString()).contains(NotificationTypes.PROCESS_STATUS);
    }

    @Test
    void userErrorsReachRemoteClientsAsIllegalArgumentException() throws Exception {
        assertThatThrownBy(() -> remote.invoke(ObjectNames.god(), "stop", new Object[]{"nosuch"}, new String[]{String.class.getName()}))
                .hasRootCauseInstanceOf(IllegalArgumentException.class).rootCause().hasMessageContaining("nosuch");
        JsonNode r = JSON.readTree(Http.post(daemon.jolokiaUrl(),
                "{\"type\":\"exec\",\"mbean\":\"supervisor:type=God\",\"operation\":\"stop\",\"arguments\":[\"nosuch\"]}",
                daemon.user(), daemon.password()).body());
        // Jolokia 2.6 answers an MBean's exception with 500 whatever its class; error_type tells a user error apart.
        assertThat(r.path("status").asInt()).as(r.toString()).isNotEqualTo(200);
        assertThat(r.path("error_type").asText()).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(r.path("error").asText()).contains("nosuch");
    }

    @Test
    void processesIsATable() throws Exception {
        Object processes = remote.getAttribute(ObjectNames.app("web"), "Processes");
        assertThat(processes).isInstanceOf(TabularData.class);
        CompositeData row = (CompositeData) ((TabularData) processes).get(new Object[]{"0"}).get("value");
        assertThat(row.get("name")).isEqualTo("web");
        assertThat(row.get("status")).isEqualTo("online");
        assertThat((Long) row.get("pid")).isPositive();
        assertThat(row.getCompositeType().keySet()).contains("cpuPercent", "memoryBytes");
        JsonNode viaJolokia = JSON.readTree(Http.get(daemon.jolokiaUrl() + "/read/supervisor:type=App,name=web/Processes",
                daemon.user(), daemon.password()).body()).path("value");
        assertThat(viaJolokia.path("0").path("status").asText()).isEqualTo("online");
    }

    @Test
    void aReloadKeepsTheProcessNameShowsTheOldOneAsDrainingAndLandsInTheAppsHistory() throws Exception {
        ObjectName process = ObjectNames.process("web", 0);
        long before = (Long) remote.getAttribute(process, "Pid");
        List<String> registered = new CopyOnWriteArrayList<>();
        List<String> unregistered = new CopyOnWriteArrayList<>();
        NotificationListener listener = (n, h) -> {
            if (n instanceof MBeanServerNotification m && m.getMBeanName().getDomain().equals(ObjectNames.DOMAIN)) {
                (n.getType().equals(MBeanServerNotification.REGISTRATION_NOTIFICATION) ? registered : unregistered)
                        .add(m.getMBeanName().toString());
            }
        };
        List<String> drainingRefusal = new CopyOnWriteArrayList<>();
        NotificationListener onDraining = (n, h) -> {
            // While the old instance drains, acting on it by id would hit its replacement: refused, saying why.
            if (n instanceof MBeanServerNotification m && m.getType().equals(MBeanServerNotification.REGISTRATION_NOTIFICATION)
                    && m.getMBeanName().getKeyProperty("type").equals("DrainingProcess")) {
                try {
                    ManagementFactory.getPlatformMBeanServer().invoke(m.getMBeanName(), "stop", new Object[0], new String[0]);
                } catch (Exception e) {
                    drainingRefusal.add(e.getCause() == null ? e.toString() : e.getCause().toString());
                }
            }
        };
        ManagementFactory.getPlatformMBeanServer().addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
        ManagementFactory.getPlatformMBeanServer().addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, onDraining, null, null);
        try {
            assertThat(daemon.appBean("web").reload().isSuccess()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !unregistered.isEmpty());
        } finally {
            ManagementFactory.getPlatformMBeanServer().removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener);
            ManagementFactory.getPlatformMBeanServer().removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, onDraining);
        }
        assertThat(drainingRefusal).singleElement().asString().contains("IllegalArgumentException", "old instance a reload is draining");
        long after = (Long) remote.getAttribute(process, "Pid");
        assertThat(after).isPositive().isNotEqualTo(before);
        String draining = "supervisor:type=DrainingProcess,app=web,id=0,pid=" + before;
        assertThat(registered).containsExactly(draining);
        assertThat(unregistered).containsExactly(draining);

        List<String> events = daemon.appBean("web").getEvents();
        assertThat(events).anyMatch(e -> e.contains("reload of web started"));
        assertThat(events).anyMatch(e -> e.contains("reload web: done"));
        assertThat(events).anyMatch(e -> e.contains("pid " + after + " web[0] launching -> online"));
        assertThat(events).anyMatch(e -> e.contains("pid " + before + " web[0]") && e.contains("-> stopped"));
        assertThat(daemon.godBean().describe("web")).contains("Recent events of web", "reload web: done");
    }
}
