/**
 * The zstack-cli compatible client: {@link io.vrouter.cli.CliMain} runs one API or opens the shell. Parsing is in
 * {@code syntax}, the API description in {@code schema}, HTTP and the session in {@code remote}, running a command
 * in {@code command}, the interactive shell in {@code shell}.
 */
package io.vrouter.cli;
