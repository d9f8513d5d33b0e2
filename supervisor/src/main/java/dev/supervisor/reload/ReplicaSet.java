package dev.supervisor.reload;

import dev.supervisor.config.AppConfig;
import dev.supervisor.front.DrainResult;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The instances of one app, as the reload pipeline drives them: each step's do and undo. Implemented by the god
 * package (the app). Every method is called on {@link #owner()}, the app's serial executor, which alone changes
 * the app; long waits are returned as futures, never waited for there.
 *
 * <p>{@code reservation} is the running reload: an instance set aside is reserved by it, and the implementation
 * refuses, loudly, a reserved transition asked by anyone else.
 */
public interface ReplicaSet {
    String name();

    /** The app's owner: the pipeline posts every step here. */
    Executor owner();

    AppConfig config();

    /** APPLY_CONFIG and its undo: the config new instances (and restarts) use. */
    void useConfig(AppConfig config);

    /** The ids serving, in order. */
    List<Integer> ids();

    /** The instance serving under this id. */
    Optional<Replica> replica(int id);

    /** SET_ASIDE: reserves {@code old} (replacing) and puts a new, unlaunched entry with {@code config} under its id. */
    Replica setAside(Replica old, AppConfig config, Object reservation);

    /** Undo of SET_ASIDE: the new entry leaves the table, the old one goes back under its id (relaunched if it died). */
    void putBack(Replica old, Replica candidate, Object reservation);

    /**
     * LAUNCH_CANDIDATE: forks the new process. The future completes when it is ready (AWAIT_READY waits for it).
     *
     * @throws RuntimeException when the launch cannot even begin (nothing of it is left)
     */
    CompletableFuture<Duration> launchCandidate(Replica candidate);

    /**
     * LAUNCH_CANDIDATE at a lower CPU priority: the new process's group runs {@code niceIncrement} above the daemon's
     * nice value until it joins the front (JOIN_FRONT gives it the daemon's priority back), so that its start-up
     * competes less with the instances serving. Only where the priority can be given back; else as
     * {@link #launchCandidate(Replica)}.
     */
    default CompletableFuture<Duration> launchCandidate(Replica candidate, int niceIncrement) {
        return launchCandidate(candidate);
    }

    /** Undo of LAUNCH_CANDIDATE: kills the new process's group at once; completes when it is gone. */
    CompletableFuture<Void> killCandidate(Replica candidate);

    /**
     * JOIN_FRONT: the new instance takes traffic; from here on its crashes are restarted by its policy. Completes
     * when it has its full share (the front ramps up a newcomer beside serving members: a warm-up).
     */
    CompletableFuture<Void> joinFront(Replica candidate);

    /** Undo of JOIN_FRONT. */
    void leaveFront(Replica candidate);

    /** LEAVE_FRONT_AND_DRAIN: the old instance takes no new work; completes when its in-flight work is done. */
    CompletableFuture<DrainResult> leaveFrontAndDrain(Replica old, Object reservation);

    /** Undo of LEAVE_FRONT_AND_DRAIN: the old instance takes traffic again. */
    void rejoinFront(Replica old, Object reservation);

    /** STOP_OLD: kill_signal (graceful: wait graceful_timeout), then SIGKILL; completes when the process is gone. */
    CompletableFuture<Void> stopOld(Replica old, boolean graceful, Object reservation);

    /** DROP_OLD: the old entry leaves the table. */
    void dropOld(Replica old, Object reservation);

    /** RESTART_IN_PLACE: stops the instance, gives it {@code config}, launches it; completes when ready. */
    CompletableFuture<Duration> restartInPlace(int id, AppConfig config);

    /** A cancelled reload's undo of a new config on an instance about to be stopped: its next launch uses {@code config}. */
    void assignConfig(int id, AppConfig config);

    /** SCALE: adds (ready before completing) or removes instances to reach {@code instances}. */
    CompletableFuture<Void> scaleTo(int instances);
}
