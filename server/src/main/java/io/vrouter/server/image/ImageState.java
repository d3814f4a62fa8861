package io.vrouter.server.image;

/** An image's state. Stored and shown as the constant's name, as ZStack spells it. */
public enum ImageState {
    Enabled, Disabled
}
