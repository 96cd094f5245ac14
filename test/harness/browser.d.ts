// Types of test/harness/browser.js for TypeScript callers (the e2e helper).
import type { Browser } from 'playwright-core';

export function launchBrowser(options?: { headless?: boolean }): Promise<Browser>;
export function chromiumPath(): string;
