package io.localmodels.models;

import java.io.IOException;

/** A file whose bytes are not the ones the catalog pins; never used, never kept under its final name. */
public class ModelIntegrityException extends IOException {

    public ModelIntegrityException(String message) {
        super(message);
    }

    static ModelIntegrityException sha256(String what, String expected, String actual) {
        return new ModelIntegrityException(what + ": sha256 mismatch, expected " + expected + ", actual " + actual);
    }

    static ModelIntegrityException size(String what, long expected, long actual) {
        return new ModelIntegrityException(what + ": size mismatch, expected " + expected + " bytes, actual " + actual + " bytes");
    }
}
