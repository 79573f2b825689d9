-- A voter may learn that their ballot is in, and get its receipt again,
-- until the count (a crash can store a ballot whose answer never reached
-- them). The poll book keeps the receipt sealed under the data key, apart
-- from the ballot (sealed again, with another nonce: the two ciphertexts
-- share nothing), and the count erases it. A ballot now keeps its receipt
-- inside its sealed content (the receipt column stays empty until the
-- count), so no copy of the files taken while an election is open holds a
-- receipt in clear.
ALTER TABLE election_voters ADD COLUMN receipt TEXT NOT NULL DEFAULT '';
