package io.localmodels.vision;

/** A box in normalised image coordinates: top-left corner, width and height, all 0–1. */
public record Box(double x, double y, double w, double h) {

    public double area() {
        return w * h;
    }

    public double centerX() {
        return x + w / 2;
    }

    public double bottom() {
        return y + h;
    }
}
