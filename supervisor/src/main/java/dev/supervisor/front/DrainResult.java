package dev.supervisor.front;

/**
 * How a backend left a front: {@code inFlight} requests (HTTP) or connections (TCP) were still open when it
 * stopped receiving new work; {@code timedOut} is true when they had not all finished by the drain timeout.
 */
public record DrainResult(int inFlight, boolean timedOut) {
}
