/**
 * The lab's DATA for PREDICT over `wwi_ml.CustomerTest`, written as a test would write it (not taken
 * from the script generator, whose output the engine tests check independently): the customer key,
 * then the eight features cast to the model's input types.
 */
export const LAB_INPUT_SELECT = `SELECT [CustomerKey], CAST([Cost] AS [real]) AS [Cost], CAST([Size] AS [real]) AS [Size], CAST([Price] AS [real]) AS [Price],
    CAST([PrimaryBrandId] AS [bigint]) AS [PrimaryBrandId], CAST([GenderId] AS [bigint]) AS [GenderId],
    CAST([MaritalStatus] AS [bigint]) AS [MaritalStatus], CAST([LowerIncomeBound] AS [bigint]) AS [LowerIncomeBound],
    CAST([UpperIncomeBound] AS [bigint]) AS [UpperIncomeBound]
  FROM [wwi_ml].[CustomerTest]`;

/** `WITH InputData AS (...)`, to put before a query that reads PREDICT(... DATA = InputData ...). */
export const LAB_INPUT_CTE = `WITH InputData AS (
  ${LAB_INPUT_SELECT})`;
