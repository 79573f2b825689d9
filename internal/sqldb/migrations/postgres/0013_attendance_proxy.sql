-- The seats a proxy holder votes for, found from the proxy's side.
CREATE INDEX attendance_proxy ON attendance(proxy_seat) WHERE proxy_seat IS NOT NULL;
