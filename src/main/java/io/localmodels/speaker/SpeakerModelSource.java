package io.localmodels.speaker;

import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubException;
import io.localmodels.models.hub.HubFetcher;
import io.localmodels.models.hub.HubRef;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where lma.speakers.model points: the built-in embedding, a local .onnx file, or a file on the Hub. */
public sealed interface SpeakerModelSource {

    record Builtin() implements SpeakerModelSource {
    }

    record LocalFile(Path file) implements SpeakerModelSource {
    }

    record Hub(HubRef ref, String file) implements SpeakerModelSource {
        @Override
        public String toString() {
            return ref.repo() + "@" + ref.revision() + "/" + file;
        }
    }

    static SpeakerModelSource parse(String value) throws IOException {
        String v = value.strip();
        if (v.isEmpty() || v.equals("builtin")) {
            return new Builtin();
        }
        Path direct = Path.of(v);
        if (Files.isRegularFile(direct)) {
            return new LocalFile(direct);
        }
        String[] parts = v.split("/", 3);
        if (parts.length == 3 && parts[2].endsWith(".onnx")) {
            var ref = HubRef.parse(parts[0] + "/" + parts[1]);
            if (ref.isPresent()) {
                return new Hub(ref.get(), parts[2]);
            }
        }
        throw new IOException("lma.speakers.model=" + v + " is not builtin, an existing .onnx file, or a Hub file"
                + " org/name[@revision]/file.onnx");
    }

    /** The file to open (fetched into the Hugging Face cache first for a Hub source). */
    static Path locate(SpeakerModelSource source, HubFetcher hub, DownloadProgress progress) throws HubException {
        if (source instanceof LocalFile f) {
            return f.file();
        }
        Hub h = (Hub) source;
        Path snapshot = hub.fetch(h.ref(), available -> {
            if (!available.contains(h.file())) {
                throw new HubException(HubException.Kind.NOT_FOUND, h.ref().repo() + "@" + h.ref().revision() + " has no " + h.file(),
                        "name one of its .onnx files in lma.speakers.model");
            }
            return List.of(h.file());
        }, progress);
        return snapshot.resolve(h.file());
    }
}
