; corpus/equivalent/x86_64-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x263 (bvsub RSP (_ bv8 64))))
(let ((?x34 (bvadd ?x263 (_ bv8 64))))
(let (($x288 (and (distinct ?x34 RSP) true)))
(let (($x542 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x508 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x407 (= TF (_ bv0 1))))
(let (($x397 (= VM (_ bv0 1))))
(let (($x492 (= DF (_ bv0 1))))
(and $x492 $x397 $x407 $x508 (or $x542 $x288)))))))))))
(check-sat)
