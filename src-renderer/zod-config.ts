import { z } from 'zod';

// Imported first by main.tsx. zod compiles fast parsers with `new Function` unless told not to; the window's
// Content-Security-Policy forbids eval, and each attempt would be a reported violation.
z.config({ jitless: true });
