/**
 * The interactive shell: a JLine loop with history and Tab completion. Completion logic lives in
 * {@link io.vrouter.cli.shell.CompletionEngine}, a plain class tested without a terminal.
 */
package io.vrouter.cli.shell;
