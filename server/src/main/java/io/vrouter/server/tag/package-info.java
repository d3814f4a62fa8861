/** System and user tags on resources; system tags must match a format a package registered. */
package io.vrouter.server.tag;
