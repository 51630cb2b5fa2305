// Tenant ids name R2 prefixes and Vectorize namespaces (<= 64 bytes), and are
// bound to D1 as this exact string: only a string of these characters is one.
// One rule for the gateway's token check and the development token script.
export const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
