package dev.supervisor.front;

/**
 * What a front has carried, read-only, for metrics. Counted on the event loops without locks (LongAdder);
 * readers get a moment's figures, not a consistent snapshot of all three.
 */
public interface FrontCounters {
    FrontCounters NONE = new FrontCounters() {
        @Override public long requests() { return 0; }
        @Override public long errors() { return 0; }
        @Override public int inFlight() { return 0; }
    };

    /** HTTP requests (TCP: connections) accepted from clients since the front started. */
    long requests();

    /** Requests the front answered itself with an error (400, 502, 503) or, for TCP, connections it could not relay. */
    long errors();

    /** Requests (TCP: connections) backends are serving now, draining backends included. */
    int inFlight();
}
