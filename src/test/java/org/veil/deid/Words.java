package org.veil.deid;

/** Words drawn for the text reader's tests. */
final class Words {
    private Words() {
    }

    /** One word, dark on white, 240 x 60 pixels: the height the check reads at. */
    static byte[] drawn(String text) {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(240, 60, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 240, 60);
        g.setColor(java.awt.Color.BLACK);
        g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 32));
        g.drawString(text, 20, 44);
        g.dispose();
        return ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }
}
