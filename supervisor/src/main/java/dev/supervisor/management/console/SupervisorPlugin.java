package dev.supervisor.management.console;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;

/**
 * The "Supervisor" view of the console: a hawtio plugin (module console-plugin) that hawtio loads at start-up.
 *
 * <p>Two parts, as in hawtio's sample WAR plugin: an MBean {@value #OBJECT_NAME} that hawtio's
 * {@code /hawtio/plugin} endpoint lists (url, scope, module), and the plugin's built assets, served from the
 * classpath folder {@value #RESOURCES} by a servlet inside the hawtio webapp itself, so they sit behind the same
 * login (the hawtio session) and need no second context. hawtio loads plugins after its post-login page reload.
 */
final class SupervisorPlugin implements HawtioPluginMBean {
    static final String OBJECT_NAME = "hawtio:type=plugin,name=supervisor";
    /**
     * Under the hawtio context: {@code /hawtio/static/supervisor-plugin/remoteEntry.js}. Below {@code /static}
     * because hawtio's ClientRouteRedirectFilter answers every other unknown path with its index.html (a client
     * route); the servlet checks the login itself.
     */
    static final String PATH = "/static/supervisor-plugin";
    static final String RESOURCES = "supervisor-plugin/";
    static final String SCOPE = "supervisorPlugin";
    static final String MODULE = "./plugin";
    static final String REMOTE_ENTRY = "remoteEntry.js";

    /** hawtio's LoginServlet puts the logged-in subject under this session attribute (AuthSessionHelpers). */
    private static final String SESSION_SUBJECT = "subject";
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript;charset=utf-8", "css", "text/css;charset=utf-8", "json", "application/json",
            "svg", "image/svg+xml", "png", "image/png", "txt", "text/plain;charset=utf-8");

    private final String contextPath;

    private SupervisorPlugin(String contextPath) {
        this.contextPath = contextPath;
    }

    /** Whether the built assets are on the classpath (absent when the console-plugin module was not built). */
    static boolean available(ClassLoader loader) {
        return loader.getResource(RESOURCES + REMOTE_ENTRY) != null;
    }

    /**
     * Adds the asset servlet to the (not yet started) webapp and registers the plugin MBean.
     *
     * @return what undoes the registration
     */
    static AutoCloseable install(WebAppContext webApp, MBeanServer server) {
        ClassLoader loader = SupervisorPlugin.class.getClassLoader();
        webApp.addServlet(new ServletHolder("supervisor-plugin", new Assets(loader)), PATH + "/*");
        try {
            ObjectName name = new ObjectName(OBJECT_NAME);
            server.registerMBean(new StandardMBean(new SupervisorPlugin(webApp.getContextPath()), HawtioPluginMBean.class), name);
            return () -> server.unregisterMBean(name);
        } catch (InstanceAlreadyExistsException e) {
            return () -> { }; // another console in this JVM registered the same (stateless) plugin
        } catch (JMException e) {
            throw new IllegalStateException("cannot register " + OBJECT_NAME + ": " + e.getMessage(), e);
        }
    }

    @Override public String getUrl() { return contextPath + PATH; }
    @Override public String getScope() { return SCOPE; }
    @Override public String getModule() { return MODULE; }
    @Override public String getRemoteEntryFileName() { return REMOTE_ENTRY; }
    @Override public boolean isBustRemoteEntryCache() { return true; }
    @Override public String getPluginEntry() { return "plugin"; }

    /** The plugin's files, to logged-in users only; nothing outside {@value #RESOURCES}. */
    private static final class Assets extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient ClassLoader loader;

        Assets(ClassLoader loader) {
            this.loader = loader;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            HttpSession session = request.getSession(false);
            if (session == null || session.getAttribute(SESSION_SUBJECT) == null) {
                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                response.setContentType("text/plain;charset=utf-8");
                response.getWriter().println("log in to the console first");
                return;
            }
            String file = request.getPathInfo() == null ? "" : request.getPathInfo().substring(1);
            if (!file.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*") || file.contains("..")) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            URL resource = loader.getResource(RESOURCES + file);
            if (resource == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            String extension = file.substring(file.lastIndexOf('.') + 1);
            response.setContentType(TYPES.getOrDefault(extension, "application/octet-stream"));
            // Chunk names are not content-hashed: always revalidate.
            response.setHeader("Cache-Control", "no-cache");
            try (InputStream in = resource.openStream(); OutputStream out = response.getOutputStream()) {
                in.transferTo(out);
            }
        }
    }
}
