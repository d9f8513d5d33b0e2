package dev.supervisor.management.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.supervisor.management.DemoApp;
import dev.supervisor.management.SubjectRoles;
import java.security.PrivilegedAction;
import java.util.List;
import java.util.Map;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.security.auth.Subject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The answers hawtio gets, per role of the subject the request runs as. */
class ConsoleAccessControlTest {
    static final String DEMO = "supervisor:type=App,name=demo";
    static DemoApp app;
    final ConsoleAccessControl access = new ConsoleAccessControl();

    @BeforeAll
    static void register() throws Exception {
        app = DemoApp.register("demo");
    }

    @AfterAll
    static void unregister() throws Exception {
        app.close();
    }

    @Test
    void adminMayDoAnything() {
        as("admin", () -> {
            assertThat(access.canInvoke(DEMO)).isTrue();
            assertThat(access.canInvoke(DEMO, "reload()")).isTrue();
            assertThat(access.canInvoke(DEMO, "scale", new String[] {"int"})).isTrue();
        });
    }

    @Test
    void viewerMayReadAttributesOnly() {
        as("viewer", () -> {
            assertThat(access.canInvoke(DEMO, "getPids", new String[0])).isTrue();
            assertThat(access.canInvoke("java.lang:type=Memory", "isVerbose()")).isTrue();
            assertThat(access.canInvoke("java.lang:type=Memory", "setVerbose(boolean)")).isFalse();
            assertThat(access.canInvoke(DEMO, "reload()")).isFalse();
            assertThat(access.canInvoke(DEMO, "getNoSuchAttribute", new String[0])).isFalse();
            assertThat(access.canInvoke(DEMO)).isFalse();
        });
    }

    @Test
    void viewerMayRunHawtiosOwnQueries() {
        as("viewer", () -> {
            assertThat(access.canInvoke(ConsoleAccessControl.OBJECT_NAME, "canInvoke(java.util.Map)")).isTrue();
            assertThat(access.canInvoke("hawtio:type=security,name=RBACRegistry", "list()")).isTrue();
        });
    }

    @Test
    void noSubjectMayDoNothing() {
        assertThat(access.canInvoke(DEMO, "getPids", new String[0])).isFalse();
        assertThat(access.canInvoke(DEMO)).isFalse();
    }

    @Test
    void bulkAnswerHasOneRowPerMethod() throws Exception {
        TabularData rows = asViewer(() -> access.canInvoke(Map.of(DEMO, List.of("reload()", "getPids()"))));

        assertThat(rows.values()).hasSize(2);
        assertThat(rows.get(new Object[] {DEMO, "reload()"}).get("CanInvoke")).isEqualTo(false);
        assertThat(((CompositeData) rows.get(new Object[] {DEMO, "getPids()"})).get("CanInvoke")).isEqualTo(true);
    }

    @SuppressWarnings("removal")
    private static void as(String role, Runnable checks) {
        Subject.doAs(SubjectRoles.subjectFor(role + "-user", role), (PrivilegedAction<Void>) () -> {
            checks.run();
            return null;
        });
    }

    @SuppressWarnings("removal")
    private static TabularData asViewer(java.util.concurrent.Callable<TabularData> query) throws Exception {
        return Subject.doAs(SubjectRoles.subjectFor("v", "viewer"), (java.security.PrivilegedExceptionAction<TabularData>)
                query::call);
    }
}
