/*
 * The string checks the generated validators call (scripts/generate.mjs), in place of ajv-formats' and
 * ajv's runtime files. They accept exactly what ajv-formats 3.0.1's "date-time" and "uri" and ajv's
 * ucs2length accept (test/rpc/schema-formats.test.ts compares them with fast-check), for two reasons:
 * - the Heartbeat, BootNotification and most other answers carry a date-time, and ajv-formats checks it
 *   by splitting the string and running two regular expressions (an array and two match arrays, about
 *   770 bytes per call on each side of a Heartbeat); this one reads the characters and allocates nothing;
 * - they are CommonJS files: the first one loaded starts Node's CommonJS loader at import time.
 */

// RFC 3339 section 5.6 full-date: days per month, February 29 in leap years (appendix C).
const daysInMonth = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

// Two ASCII digits at `at`, or -1.
function twoDigits(text: string, at: number): number {
  const high = text.charCodeAt(at);
  const low = text.charCodeAt(at + 1);
  return isDigit(high) && isDigit(low) ? (high - 48) * 10 + (low - 48) : -1;
}

// ajv-formats splits date and time at /t|\s/i: "T", "t" or any character of JavaScript's \s
// (ECMAScript WhiteSpace and LineTerminator).
function isSeparator(code: number): boolean {
  if (code === 0x54 || code === 0x74 || code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * JSON Schema "date-time" (RFC 3339 section 5.6 date-time, time zone required), as ajv-formats checks it:
 * "T", "t" or a space between date and time, "Z" or "z", a numeric offset with or without its colon
 * ("+01", "+0100", "+01:00"), any number of fraction digits, and a leap second 60 only at 23:59 UTC.
 */
export function dateTime(text: string): boolean {
  // Date: YYYY-MM-DD.
  if (text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return false;
  const century = twoDigits(text, 0);
  const yearOfCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (century < 0 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1) return false;
  if (day > (month === 2 && isLeapYear(century * 100 + yearOfCentury) ? 29 : daysInMonth[month])) return false;
  if (!isSeparator(text.charCodeAt(10))) return false;
  // Time: HH:MM:SS, fraction, offset.
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const wholeSecond = twoDigits(text, 17);
  if (hour < 0 || minute < 0 || wholeSecond < 0 || text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a) return false;
  let at = 19;
  if (text.charCodeAt(at) === 0x2e) {
    at++;
    if (!isDigit(text.charCodeAt(at))) return false;
    while (isDigit(text.charCodeAt(at))) at++;
  }
  const secondsEnd = at;
  let sign = 1;
  let offsetHour = 0;
  let offsetMinute = 0;
  const zone = text.charCodeAt(at);
  if (zone === 0x5a || zone === 0x7a) at++;
  else if (zone === 0x2b || zone === 0x2d) {
    sign = zone === 0x2d ? -1 : 1;
    offsetHour = twoDigits(text, at + 1);
    if (offsetHour < 0) return false;
    at += 3;
    if (at < text.length) {
      if (text.charCodeAt(at) === 0x3a) at++;
      offsetMinute = twoDigits(text, at);
      if (offsetMinute < 0) return false;
      at += 2;
    }
  } else return false;
  if (at !== text.length || offsetHour > 23 || offsetMinute > 59) return false;
  // Seconds as ajv-formats reads them (a JavaScript number): "59.99999999999999999" is 60. Below 59 a
  // fraction cannot reach 60, so the string is read only from 59 up (and then allocates a little).
  const second = secondsEnd > 19 && wholeSecond >= 59 ? Number(text.slice(17, secondsEnd)) : wholeSecond;
  if (hour <= 23 && minute <= 59 && second < 60) return true;
  // A leap second: 23:59:60 in UTC.
  const utcMinute = minute - offsetMinute * sign;
  const utcHour = hour - offsetHour * sign - (utcMinute < 0 ? 1 : 0);
  return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;
}

// ajv-formats' "uri" (full mode), the same expressions.
const notUriFragment = /\/|:/;
const uriPattern =
  /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$/i;

/** JSON Schema "uri", as ajv-formats checks it. */
export function uri(text: string): boolean {
  return notUriFragment.test(text) && uriPattern.test(text);
}

/** A string's length in Unicode code points (JSON Schema maxLength and minLength), as ajv counts it. */
export function ucs2length(text: string): number {
  const length = text.length;
  let count = 0;
  let at = 0;
  while (at < length) {
    count++;
    const code = text.charCodeAt(at++);
    // A high surrogate followed by a low one is one code point.
    if (code >= 0xd800 && code <= 0xdbff && at < length && (text.charCodeAt(at) & 0xfc00) === 0xdc00) at++;
  }
  return count;
}
