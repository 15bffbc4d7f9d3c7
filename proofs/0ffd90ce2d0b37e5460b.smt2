; corpus/equivalent/x86_64-swapgs.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x554 (bvsub RSP (_ bv8 64))))
(let ((?x298 (bvadd ?x554 (_ bv8 64))))
(let (($x324 (and (distinct ?x298 RSP) true)))
(let (($x61 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x20 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x364 (= TF (_ bv0 1))))
(let (($x395 (= VM (_ bv0 1))))
(let (($x191 (= DF (_ bv0 1))))
(and $x191 $x395 $x364 $x20 (or $x61 $x324)))))))))))
(check-sat)
