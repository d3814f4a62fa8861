/** Files and directory trees. */
package io.vrouter.platform.files;
