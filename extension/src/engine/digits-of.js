/** The ASCII digits of a value, as Python's validators.digits_of. */
export function digitsOf(value) {
  return value.replace(/[^0-9]/g, '');
}
