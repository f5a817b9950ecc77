package io.localmodels.api.errors;

/** The body of every HTTP error: {@code {"error":{"code":"...","message":"..."}}}. */
public record ErrorResponse(Detail error) {

    public record Detail(String code, String message) {
    }

    public static ErrorResponse of(String code, String message) {
        return new ErrorResponse(new Detail(code, message));
    }
}
