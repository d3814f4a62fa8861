// Debian's chromium (apt-get install chromium): playwright-core drives it; no browser is downloaded.
export const CHROMIUM = process.env.VROUTER_CHROMIUM ?? '/usr/bin/chromium';
