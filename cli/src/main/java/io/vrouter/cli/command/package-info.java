/**
 * Running one command: parse the words, call the server, print the reply, keep the session, and map the outcome
 * to the CLI's exit status. Shared by one-shot mode and the shell.
 */
package io.vrouter.cli.command;
