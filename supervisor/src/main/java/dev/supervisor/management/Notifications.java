package dev.supervisor.management;

import dev.supervisor.mbeans.NotificationTypes;

import javax.management.MBeanNotificationInfo;
import javax.management.Notification;

/** The notifications the God and App MBeans declare in their MBeanInfo (JConsole and hawtio subscribe from it). */
final class Notifications {
    // One info for all types: Jolokia's list keys notification infos by class name, so several would hide each other.
    static final MBeanNotificationInfo[] APP_AND_GOD = {
            new MBeanNotificationInfo(NotificationTypes.APP_TYPES, Notification.class.getName(),
                    "supervisor.process.status: an instance changed status (message: from what to what and why, an exit's "
                            + "code or signal; userData: the new status). supervisor.process.restart.overlimit: an instance "
                            + "crashed max_restarts times within min_uptime, now errored. supervisor.reload.started, .step, "
                            + ".done, .failed: a reload's progress; done and failed carry its outcome, counts, duration and reason"),
    };

    private Notifications() {
    }
}
