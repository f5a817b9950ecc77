package io.localmodels.inference;

/** A model file whose inputs or outputs are not the ones the service feeds and reads. */
public class ModelIoMismatchException extends Exception {

    public ModelIoMismatchException(String message) {
        super(message);
    }
}
