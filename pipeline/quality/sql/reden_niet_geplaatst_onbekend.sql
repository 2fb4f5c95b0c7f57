-- Record: each CG-quarter whose instroom delivery follows v1.1 of the format or later (it has
-- the column reden_niet_geplaatst) and holds aanmeldingen with uitkomst doorverwezen or
-- niet_geplaatst. reden_bekend is false when there are at least $min_aantal of them and not
-- one has a reason other than onbekend (an empty reason is unknown too): the column is there,
-- but the organisation's export does not fill it. A v1 delivery has no reasons to judge.
WITH per_kwartaal AS (
    SELECT centrumgemeente, kwartaal, count(*) AS aantal,
           count(*) FILTER (WHERE coalesce(reden_niet_geplaatst, 'onbekend') <> 'onbekend')
               AS bekend
    FROM dq_instroom
    WHERE formaatversie <> '1' AND uitkomst IN ('doorverwezen', 'niet_geplaatst')
    GROUP BY ALL
)
SELECT centrumgemeente, kwartaal,
       bekend > 0 OR aantal < $min_aantal AS reden_bekend,
       format('{} aanmelding(en) doorverwezen of niet geplaatst', aantal) AS detail
FROM per_kwartaal
