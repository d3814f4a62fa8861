package io.vrouter.server.image;

/** An image's status: images are recorded, not downloaded, so every image is Ready. Stored and shown as the constant's name, as ZStack spells it. */
public enum ImageStatus {
    Ready
}
