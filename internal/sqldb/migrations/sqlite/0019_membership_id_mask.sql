-- membership: masked resident ID numbers show the region only. They showed
-- the last four characters too (110105********002X), which together with
-- the birth date shown beside them gave the whole number away. The mask is
-- rewritten from the stored one: its first six characters stay.
UPDATE people SET id_masked = substr(id_masked, 1, 6) || '************'
WHERE id_type = 'resident_id' AND length(id_masked) = 18;
