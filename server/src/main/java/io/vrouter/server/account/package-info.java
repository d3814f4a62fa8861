/** Accounts and sessions: the admin account, LogInByAccount and LogOut, and session checks for every other API. */
package io.vrouter.server.account;
