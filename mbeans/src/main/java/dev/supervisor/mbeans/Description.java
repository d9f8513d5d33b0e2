package dev.supervisor.mbeans;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an MBean, attribute (on its getter) or operation is for, as JConsole, hawtio and Jolokia {@code list}
 * show it. The daemon's MBean registrar reads it into the MBeanInfo.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Description {
    String value();
}
