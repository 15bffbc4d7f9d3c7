; corpus/history/2.6.24-5.12-x86/x86_64-wbinvd.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x160 (bvsub RSP (_ bv8 64))))
(let ((?x934 (bvadd ?x160 (_ bv8 64))))
(let (($x884 (and (distinct ?x934 RSP) true)))
(let (($x47 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x464 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x491 (= TF (_ bv0 1))))
(let (($x637 (= VM (_ bv0 1))))
(let (($x376 (= DF (_ bv0 1))))
(and $x376 $x637 $x491 $x464 (or $x47 $x884)))))))))))
(check-sat)
