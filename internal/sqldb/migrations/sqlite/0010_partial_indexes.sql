-- Only applications have a stage and only issued cards a token: index
-- those rows alone. (Queries say "<> ''" so that the partial index is
-- seen to apply.) A bulk import of a million members builds these in a
-- scan instead of sorting a million empty strings.
DROP INDEX memberships_card;
DROP INDEX memberships_stage;
CREATE INDEX memberships_card ON memberships(card_token) WHERE card_token <> '';
CREATE INDEX memberships_stage ON memberships(org_id, app_stage) WHERE app_stage <> '';
