import type { Issue } from '../errors.js';

/** Errors and warnings collected while reading one definition; readers report and carry on. */
export class Diagnostics {
  readonly errors: Issue[] = [];
  readonly warnings: Issue[] = [];

  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }
}

/** `path: message`, the one-line form CLI output and exception messages use. */
export function formatIssue(issue: Issue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}
