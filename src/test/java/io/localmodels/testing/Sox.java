package io.localmodels.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's sox, for making test variants of the shared recordings (skips the test when absent). */
public final class Sox {

    private Sox() {
    }

    public static void requireInstalled() {
        requireTool("sox", "sox");
    }

    /** Skips the test (with the reason printed) when {@code command} is not installed. */
    public static void requireTool(String command, String debianPackage) {
        try {
            Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String reason = "SKIPPED: needs the " + command + " command (apt-get install " + debianPackage + ")";
        System.err.println(reason);
        Assumptions.abort(reason);
    }

    /** Runs a command, failing with its output when it does not exit 0. */
    public static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("command failed: " + cmd + "\n" + output);
        }
    }

    /** Encodes a WAV to Ogg Opus with libopus (opus-tools' opusenc). */
    public static Path opusEncode(Path wav, Path out) throws IOException, InterruptedException {
        requireTool("opusenc", "opus-tools");
        Files.createDirectories(out.getParent());
        run(List.of("opusenc", "--quiet", "--bitrate", "32", wav.toString(), out.toString()));
        return out;
    }

    /** Decodes Ogg Opus to a 48 kHz PCM16 WAV with libopus (opus-tools' opusdec), pre-skip removed. */
    public static Path opusDecode(Path opus, Path out) throws IOException, InterruptedException {
        requireTool("opusdec", "opus-tools");
        Files.createDirectories(out.getParent());
        run(List.of("opusdec", "--quiet", "--rate", "48000", opus.toString(), out.toString()));
        return out;
    }

    /** Converts {@code in} to a PCM16 WAV at {@code rate} Hz with {@code channels} channels. */
    public static Path convert(Path in, Path out, int rate, int channels) throws IOException, InterruptedException {
        requireInstalled();
        Files.createDirectories(out.getParent());
        // -D: no dither, so the same input always gives the same file (sox dithers randomly by default).
        List<String> cmd = new ArrayList<>(List.of("sox", "-D", in.toString(), "-b", "16", "-e", "signed-integer",
                "-c", Integer.toString(channels), "-r", Integer.toString(rate), out.toString()));
        run(cmd);
        return out;
    }
}
