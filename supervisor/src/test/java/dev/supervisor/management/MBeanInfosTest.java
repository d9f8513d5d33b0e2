package dev.supervisor.management;

import dev.supervisor.mbeans.Description;
import dev.supervisor.mbeans.Param;
import org.junit.jupiter.api.Test;

import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Beans of one kind share the first one's MBeanInfo, described as if each had built its own. */
class MBeanInfosTest {
    @Description("A counter for this test")
    public interface CounterMXBean {
        @Description("The count so far")
        long getCount();

        @Description("Adds to the count")
        void add(@Param(name = "amount", description = "how much to add") long amount);
    }

    public static final class Counter extends NotificationBroadcasterSupport implements CounterMXBean {
        private long count;

        Counter(String... notificationTypes) {
            super(new MBeanNotificationInfo(notificationTypes, Notification.class.getName(), "what the counter sends"));
        }

        @Override
        public long getCount() {
            return count;
        }

        @Override
        public void add(long amount) {
            count += amount;
        }
    }

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final MBeanInfos infos = new MBeanInfos();

    @Test
    void theSecondBeanOfAKindSharesTheFirstOnesDescribedInfo() throws Exception {
        MBeanInfo first = register("t:name=a", new Counter("count.added"));
        MBeanInfo second = register("t:name=b", new Counter("count.added"));

        assertThat(second).isSameAs(first);
        assertThat(second.getDescription()).isEqualTo("A counter for this test");
        assertThat(second.getAttributes()[0].getDescription()).isEqualTo("The count so far");
        MBeanOperationInfo add = second.getOperations()[0];
        assertThat(add.getDescription()).isEqualTo("Adds to the count");
        assertThat(add.getSignature()[0].getName()).isEqualTo("amount");
        // each bean still serves its own state
        server.invoke(new ObjectName("t:name=b"), "add", new Object[] {3L}, new String[] {"long"});
        assertThat(server.getAttribute(new ObjectName("t:name=a"), "Count")).isEqualTo(0L);
        assertThat(server.getAttribute(new ObjectName("t:name=b"), "Count")).isEqualTo(3L);
    }

    @Test
    void otherNotificationTypesGetAnInfoOfTheirOwn() throws Exception {
        MBeanInfo added = register("t:name=a", new Counter("count.added"));
        MBeanInfo reset = register("t:name=b", new Counter("count.reset"));

        assertThat(reset).isNotSameAs(added);
        assertThat(Arrays.stream(reset.getNotifications()).flatMap(n -> Arrays.stream(n.getNotifTypes())))
                .containsExactly("count.reset");
        assertThat(Arrays.stream(added.getNotifications()).flatMap(n -> Arrays.stream(n.getNotifTypes())))
                .containsExactly("count.added");
    }

    private MBeanInfo register(String name, Counter counter) throws Exception {
        ObjectName objectName = new ObjectName(name);
        server.registerMBean(infos.described(counter, CounterMXBean.class, counter), objectName);
        return server.getMBeanInfo(objectName);
    }
}
