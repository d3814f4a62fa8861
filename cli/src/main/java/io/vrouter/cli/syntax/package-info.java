/**
 * zstack-cli syntax: splitting a shell line into words, and turning {@code API key=value ...} words into the
 * JSON body of one API call (lists, map literals, query operators and reserved keys). Pure functions, no I/O.
 */
package io.vrouter.cli.syntax;
