package dev.supervisor.god;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Resolves a target to instances the way pm2's {@code _operate} does: {@code all}; {@code /regex/} on app
 * names; an app name; a namespace; a number, which is tried as an app name, a namespace, then an id.
 */
final class TargetResolver {
    private TargetResolver() {
    }

    static List<Instance> resolve(String target, Collection<App> apps) {
        if (target == null || target.isBlank()) {
            throw new SupervisorException("no target given (use an id, a name, a namespace, /regex/ or all)");
        }
        String t = target.trim();
        List<Instance> out = new ArrayList<>();
        if (t.equals("all")) {
            apps.forEach(a -> out.addAll(a.instances()));
            if (apps.isEmpty()) {
                throw new SupervisorException("no apps are running");
            }
            return out;
        }
        if (t.length() > 2 && t.startsWith("/") && t.endsWith("/")) {
            Pattern p;
            try {
                p = Pattern.compile(t.substring(1, t.length() - 1));
            } catch (PatternSyntaxException e) {
                throw new SupervisorException("target " + t + " is not a valid regular expression: " + e.getDescription());
            }
            apps.stream().filter(a -> p.matcher(a.name()).find()).forEach(a -> out.addAll(a.instances()));
        } else {
            apps.stream().filter(a -> a.name().equals(t)).forEach(a -> out.addAll(a.instances()));
            if (out.isEmpty()) {
                apps.stream().filter(a -> a.config().namespace().equals(t)).forEach(a -> out.addAll(a.instances()));
            }
            if (out.isEmpty() && t.matches("\\d+")) {
                int id = Integer.parseInt(t);
                apps.forEach(a -> a.instance(id).ifPresent(out::add));
            }
        }
        if (out.isEmpty()) {
            throw new UnknownTargetException(t);
        }
        return out;
    }

    /** The apps the resolved instances belong to, in order. */
    static List<App> appsOf(List<Instance> instances) {
        List<App> out = new ArrayList<>();
        for (Instance i : instances) {
            if (!out.contains(i.app())) {
                out.add(i.app());
            }
        }
        return out;
    }
}
