/** The web console's files, built from the repository's console folder into the server jar, served at {@code /}. */
package io.vrouter.server.console;
