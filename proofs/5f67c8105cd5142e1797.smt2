; corpus/equivalent/x86_64-mov64-identity.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x78 (bvsub RSP (_ bv8 64))))
(let ((?x158 (bvadd ?x78 (_ bv8 64))))
(let (($x159 (and (distinct ?x158 RSP) true)))
(let (($x106 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x143 (= VM (_ bv0 1))))
(let (($x196 (= DF (_ bv0 1))))
(and $x196 $x143 (or $x106 $x159)))))))))
(check-sat)
