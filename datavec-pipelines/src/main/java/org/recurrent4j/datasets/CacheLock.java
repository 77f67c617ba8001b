package org.recurrent4j.datasets;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lock on a data set's cache folder, held while the data set is downloaded, checked
 * and extracted, so that two threads or two processes preparing it at once do not step on each
 * other: one prepares, the other waits and then finds the work done.
 *
 * <p>Between processes it is an operating-system lock ({@link FileChannel#lock()}) on a lock file
 * in the folder; the system releases it when its process ends, however it ends, so a lock held by
 * a process that died never blocks anyone. (Locks on network file systems are only as reliable as
 * the file system's locking.) Within one process, threads queue on a lock of their own, as a file
 * lock is held by the whole process. The holder writes its process id into the lock file, for the
 * message of those who wait.
 */
final class CacheLock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CacheLock.class);
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final long POLL_MILLIS = 100;
    private static final long REPORT_MILLIS = 30_000;
    private static final long PID_GRACE_MILLIS = 1000;
    private static final String UNKNOWN_HOLDER = "another process";

    private final ReentrantLock threads;
    private final FileChannel channel;
    private final FileLock lock;

    private CacheLock(ReentrantLock threads, FileChannel channel, FileLock lock) {
        this.threads = threads;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting as long as {@code timeout} for another holder to finish.
     *
     * @param file the lock file (created if needed, never deleted: deleting a lock file while
     *     another process waits on it would let a third one lock a new file)
     * @param what what is being prepared, for the messages
     * @throws IOException when the wait times out, naming the lock file and the holder
     */
    static CacheLock acquire(Path file, String what, Duration timeout) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path key = file.toAbsolutePath().getParent().toRealPath().resolve(file.getFileName());
        long deadline = System.nanoTime() + timeout.toNanos();
        ReentrantLock threads = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        try {
            if (!threads.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw timedOut(file, what, timeout, "another thread of this process");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to prepare " + what);
        }
        if (threads.getHoldCount() > 1) {
            threads.unlock();
            throw new IllegalStateException(what + ": the cache lock " + file + " is already held by this thread");
        }
        FileChannel channel = null;
        try {
            channel =
                    FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            long waitingSince = System.nanoTime();
            long reported = -1;
            while (lock == null) {
                long waited = (System.nanoTime() - waitingSince) / 1_000_000;
                String holder = holder(channel);
                // The holder writes its pid just after it locks: give it a moment before the first
                // report rather than name no one.
                boolean first = reported < 0 && (!holder.equals(UNKNOWN_HOLDER) || waited >= PID_GRACE_MILLIS);
                if (first || (reported >= 0 && waited - reported >= REPORT_MILLIS)) {
                    log.info("{}: waiting for {} to finish preparing it (lock file {})", what, holder, file);
                    reported = waited;
                }
                if (System.nanoTime() > deadline) {
                    throw timedOut(file, what, timeout, holder(channel));
                }
                Thread.sleep(POLL_MILLIS);
                lock = channel.tryLock();
            }
            byte[] pid = ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new CacheLock(threads, channel, lock);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeAfterFailure(channel, threads);
            throw new InterruptedIOException("interrupted while waiting to prepare " + what);
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(channel, threads);
            throw e;
        }
    }

    private static void closeAfterFailure(FileChannel channel, ReentrantLock threads) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // the failure being reported matters more than this one
        } finally {
            threads.unlock();
        }
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            int n = channel.read(buffer, 0);
            String text = n <= 0 ? "" : new String(buffer.array(), 0, n, StandardCharsets.UTF_8).strip();
            return text.matches("pid [0-9]+") ? "another process (" + text + ")" : UNKNOWN_HOLDER;
        } catch (IOException e) {
            return UNKNOWN_HOLDER;
        }
    }

    private static IOException timedOut(Path file, String what, Duration timeout, String holder) {
        String waited = timeout.toMillis() < 10_000 ? timeout.toMillis() + " ms" : timeout.toSeconds() + " s";
        return new IOException(what + ": gave up after waiting " + waited + " for " + holder
                + " to finish preparing it (lock file " + file + "). If that process hangs, stop it; a process"
                + " that has ended holds no lock. A longer wait: lockTimeout(Duration) on the data set");
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            threads.unlock();
        }
    }
}
