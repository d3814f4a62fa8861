/** Images: templates VMs and virtual routers are created from (the URL is recorded; nothing is downloaded). */
package io.vrouter.server.image;
