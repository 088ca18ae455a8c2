package org.veil.deid;

import java.awt.Rectangle;
import java.util.List;

/** What to do with an instance's pixels: keep them, paint regions black, or withhold the instance. */
public sealed interface PixelPlan {

    record Keep() implements PixelPlan {
    }

    /** @param rule the name of the rule that located the text */
    record Black(List<Rectangle> regions, String rule) implements PixelPlan {
    }

    record Withhold(String reason) implements PixelPlan {
    }
}
