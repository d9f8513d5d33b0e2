package dev.supervisor.god;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * An app's owner: a serial executor (one command at a time, in order) over a shared pool. Only commands running
 * here change the app, its instances and their statuses. Events a command raises ({@link #afterCommand}) go out
 * once it has finished, so listeners never run inside a change. The queue's monitor guards the queue alone:
 * nothing runs while holding it.
 */
final class Mailbox implements Executor {
    private static final Logger LOG = LogManager.getLogger(Mailbox.class);

    private final String name;
    private final Executor pool;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final List<Runnable> outbox = new ArrayList<>();
    private boolean scheduled;
    private volatile Thread runner;

    Mailbox(String name, Executor pool) {
        this.name = name;
        this.pool = pool;
    }

    @Override
    public void execute(Runnable command) {
        boolean start;
        synchronized (queue) {
            queue.add(command);
            start = !scheduled;
            scheduled = true;
        }
        if (start) {
            pool.execute(this::drain);
        }
    }

    /** Runs {@code command} on the owner; the future completes with its value once its events have gone out. */
    <T> CompletableFuture<T> call(Supplier<T> command) {
        CompletableFuture<T> f = new CompletableFuture<>();
        execute(() -> {
            try {
                T value = command.get();
                afterCommand(() -> f.complete(value));
            } catch (RuntimeException | Error e) {
                afterCommand(() -> f.completeExceptionally(e));
            }
        });
        return f;
    }

    /** Whether the calling thread is this owner's. */
    boolean isOwner() {
        return runner == Thread.currentThread();
    }

    /** Fails loudly when an app is changed from outside its owner. */
    void requireOwner(Object what) {
        if (!isOwner()) {
            throw new IllegalStateException(what + " changed outside its owner (thread " + Thread.currentThread().getName() + ")");
        }
    }

    /** Queues an event (a notification, a completion) to run when the current command is done. */
    void afterCommand(Runnable event) {
        requireOwner("an event of " + name);
        outbox.add(event);
    }

    private void drain() {
        if (runBatch()) {
            // A bounded batch, then the thread goes back to the pool: a busy app must not starve the others.
            pool.execute(this::drain);
        }
    }

    /** @return true when commands are left */
    private boolean runBatch() {
        String threadName = Thread.currentThread().getName();
        Thread.currentThread().setName(threadName + " [" + name + "]");
        runner = Thread.currentThread();
        try {
            for (int k = 0; k < 64; k++) {
                Runnable next;
                synchronized (queue) {
                    next = queue.poll();
                    if (next == null) {
                        scheduled = false;
                        return false;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException | Error e) {
                    LOG.error("{}: a command failed", name, e);
                }
                flushOutbox();
            }
            return true;
        } finally {
            runner = null;
            Thread.currentThread().setName(threadName);
        }
    }

    private void flushOutbox() {
        List<Runnable> events = new ArrayList<>(outbox);
        outbox.clear();
        runner = null;
        for (Runnable e : events) {
            try {
                e.run();
            } catch (RuntimeException ex) {
                LOG.error("{}: an event listener failed", name, ex);
            }
        }
        runner = Thread.currentThread();
    }
}
